/// The program a slot's warm Python runs (`python3 -c` this, then the modules to preload).
///
/// It imports the modules once, says `ready`, and then for each request forks a child that
/// is the task: its own session, the job's stdout and stderr (received as descriptors),
/// stdin on /dev/null, the task's environment, working directory, CPUs and thread caps,
/// `sys.argv` the task's, the script run as `__main__` (runpy, as `python3 script.py` and
/// `python3 -m mod` do). The server waits for the child (wait4: status and rusage) and says
/// how it ended. It ignores stop signals: farm ends it by closing the socket (its stdin),
/// and a server whose farm died finds end-of-file and exits. Frames are a 4-byte big-endian
/// length and a JSON object, both ways.
enum WarmServerSource {
    static let program = #"""
import os, sys, json, signal, socket, struct, importlib, traceback

UNSAFE = ("tensorflow", "jax", "jaxlib")
THREAD_CAPS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def send(sock, message):
    body = json.dumps(message).encode()
    sock.sendall(struct.pack(">I", len(body)) + body)


def receive(sock):
    header, fds, _, _ = socket.recv_fds(sock, 4, 4)
    while 0 < len(header) < 4:
        more = sock.recv(4 - len(header))
        if not more:
            break
        header += more
    if len(header) < 4:
        for fd in fds:
            os.close(fd)
        return None, []
    (length,) = struct.unpack(">I", header)
    body = b""
    while len(body) < length:
        more = sock.recv(length - len(body))
        if not more:
            return None, []
        body += more
    return json.loads(body), fds


def resident_kib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def cap_threads(environment):
    # Thread pools sized when numpy was imported: bring them to this task's caps.
    caps = {}
    for name, api in (("OPENBLAS_NUM_THREADS", "blas"), ("MKL_NUM_THREADS", "blas"), ("OMP_NUM_THREADS", "openmp")):
        value = environment.get(name)
        if value and value.isdigit() and api not in caps:
            caps[api] = int(value)
    if not caps:
        return
    try:
        import threadpoolctl
        threadpoolctl.threadpool_limits(limits=caps)
        return
    except ImportError:
        pass
    import ctypes
    with open("/proc/self/maps") as maps:
        libraries = {line.split()[-1] for line in maps if ".so" in line}
    for path in libraries:
        name = os.path.basename(path)
        try:
            if "openblas" in name and "blas" in caps:
                ctypes.CDLL(path).openblas_set_num_threads(caps["blas"])
            elif name.startswith(("libgomp", "libomp", "libiomp")) and "openmp" in caps:
                ctypes.CDLL(path).omp_set_num_threads(caps["openmp"])
        except (OSError, AttributeError):
            pass


def exit_code(error):
    code = error.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def be_the_task(request, out_fd, err_fd, started, sock, base):
    os.setsid()
    os.write(started, b"s")
    os.close(started)
    sock.close()
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.close(out_fd)
    os.close(err_fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGQUIT, signal.SIGCHLD):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    environment = dict(base)
    environment.update(request.get("set", {}))
    for name in request.get("unset", []):
        environment.pop(name, None)
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(request["cwd"])
    cpus = request.get("cpus")
    if cpus:
        os.sched_setaffinity(0, cpus)
    cap_threads(environment)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # a fresh global RandomState per task, as a new interpreter has
    argv = request["argv"]
    code = 0
    try:
        try:
            import runpy
            if request.get("module"):
                sys.argv = [argv[0]] + argv[1:]
                sys.path[0] = os.getcwd()
                runpy._run_module_as_main(argv[0], alter_argv=True)
            else:
                sys.argv = list(argv)
                sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
                runpy.run_path(argv[0], run_name="__main__")
        finally:
            import threading, atexit
            threading._shutdown()
            atexit._run_exitfuncs()
    except SystemExit as error:
        code = exit_code(error)
    except KeyboardInterrupt:
        traceback.print_exc()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            code = code or 120
    os._exit(code)


def serve():
    try:
        os.setsid()  # a group of its own: farm's orphan guard stops it by its group
    except OSError:
        pass
    sock = socket.socket(fileno=os.dup(0))
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, signal.SIG_IGN)
    if not hasattr(socket, "recv_fds"):
        send(sock, {"unsupported": "Python %d.%d; a warm Python needs 3.9 or newer" % sys.version_info[:2]})
        return
    for name in sys.argv[1:]:
        try:
            importlib.import_module(name)
        except BaseException as error:
            send(sock, {"failed": name, "error": "%s: %s" % (type(error).__name__, error)})
            return
    unsafe = [name for name in UNSAFE if name in sys.modules]
    torch = sys.modules.get("torch")
    if not unsafe and torch is not None and torch.cuda.is_initialized():
        unsafe = ["torch with CUDA initialised"]
    if unsafe:
        send(sock, {"unsafe": unsafe[0]})
        return
    base = dict(os.environ)
    sys.stdout.flush()
    sys.stderr.flush()
    send(sock, {"ready": os.getpid(), "rss": resident_kib()})
    while True:
        request, fds = receive(sock)
        if request is None:
            return
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            send(sock, {"error": "the request came without its two output descriptors"})
            continue
        out_fd, err_fd = fds
        started_read, started_write = os.pipe()
        try:
            pid = os.fork()
        except OSError as error:
            for fd in (out_fd, err_fd, started_read, started_write):
                os.close(fd)
            send(sock, {"error": "fork failed: %s" % error})
            continue
        if pid == 0:
            try:
                os.close(started_read)
                be_the_task(request, out_fd, err_fd, started_write, sock, base)
            except BaseException:
                traceback.print_exc()  # setting the task up failed (its stderr is the job's by then)
            finally:
                os._exit(121)
        for fd in (out_fd, err_fd, started_write):
            os.close(fd)
        os.read(started_read, 1)  # the child is in its own session: farm may signal its group
        os.close(started_read)
        send(sock, {"started": pid})
        _, status, usage = os.wait4(pid, 0)
        report = {"exited": pid, "cpu": usage.ru_utime + usage.ru_stime, "maxrss": usage.ru_maxrss, "rss": resident_kib()}
        if os.WIFSIGNALED(status):
            report["signal"] = os.WTERMSIG(status)
        else:
            report["code"] = os.WEXITSTATUS(status)
        send(sock, report)


serve()
"""#
}
