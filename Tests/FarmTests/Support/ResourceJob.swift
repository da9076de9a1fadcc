import Foundation

/// A job for the resource tests: it claims each CPU it may run on and its share of each device
/// it was given (files created with O_EXCL, so two running jobs that overlap find each other's
/// claim, however briefly they overlap), optionally waits until `barrier` jobs have started (so
/// the test knows that many ran at once, by files rather than by time), then reports what it
/// saw: its CPU list, its thread and device variables, and any claim it found taken.
enum ResourceJob {
    static let source = """
        import json, os, sys, time
        folder, x, barrier, per_device = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l)
        cpus = status["Cpus_allowed_list"].strip()
        devices = [d for d in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",") if d]
        def expand(text):
            out = []
            for part in text.split(","):
                a, _, b = part.partition("-")
                out += list(range(int(a), int(b or a) + 1))
            return out
        claims, clash = [], 0
        def claim(name):
            global clash
            try:
                os.close(os.open(os.path.join(folder, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY)); claims.append(name); return True
            except FileExistsError:
                return False
        # Only a pinned job's CPUs are its own (with --cpus declared every job sees the whole mask).
        if len(expand(cpus)) == int(os.environ.get("FARM_CPUS", "0")):
            for cpu in expand(cpus):
                if not claim(f"cpu-{cpu}"): clash += 1
        for d in devices:
            if not any(claim(f"gpu-{d}-{k}") for k in range(per_device)): clash += 1
        open(os.path.join(folder, f"started-{x}"), "w").close()
        waited = "no"
        if x <= barrier:
            deadline = time.time() + 120
            while len([f for f in os.listdir(folder) if f.startswith("started-")]) < barrier and time.time() < deadline:
                time.sleep(0.01)
            waited = "yes" if time.time() < deadline else "gave up"
        time.sleep(0.05)
        for name in claims: os.remove(os.path.join(folder, name))
        print(json.dumps({"cpus_seen": cpus, "omp": os.environ.get("OMP_NUM_THREADS", ""), "farm_cpus": os.environ.get("FARM_CPUS", ""),
                          "devices": ",".join(devices), "clash": clash, "waited": waited}))
        """

    /// Writes the job into `folder` and returns its command template for a sweep with parameter `x`.
    static func command(_ folder: TemporaryFolder, barrier: Int, perDevice: Int = 1) -> [String] {
        let path = writeJob(folder, source, name: "resource_job.py")
        let claims = folder.file("claims")
        try? FileManager.default.createDirectory(atPath: claims, withIntermediateDirectories: true)
        return ["python3", path, claims, "{x}", String(barrier), String(perDevice)]
    }

    /// The command as a YAML flow list.
    static func yaml(_ command: [String]) -> String {
        "[" + command.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
}
