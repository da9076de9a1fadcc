# Shared by Tests/cluster/local-cluster.sh and Tests/cluster/slurm-hosts.sh (sourced,
# not run): the settings both test clusters use, and their munged.

# Whether the process in pid file $1 runs.
running() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The slurm.conf lines both test clusters share; $1 is munged's socket.
test_cluster_settings() {
    cat <<CONF
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$1,cred_expire=10
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=pmix
JobRequeue=1
KillWait=5
MinJobAge=600
MailProg=/bin/true
ReturnToService=2
SchedulerParameters=sched_interval=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
CONF
}

# Starts a munged of the cluster in folder $1 (key made once) on socket $2.
start_test_munged() {
    local dir=$1 socket=$2
    if [[ ! -f $dir/munge/munge.key ]]; then
        mungekey -c -k "$dir/munge/munge.key" >/dev/null
        chmod 600 "$dir/munge/munge.key"
    fi
    munged --socket="$socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/run/munged.pid" \
        --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
}
