import Logging

/// What rank 0 tells each job's warm Python to preload, settled once at start from the sweep's
/// `preload:`: nothing when the command is not a Python script or module, and never a module
/// that is not safe to fork after import (each task imports that one itself). Said in the log.
enum PreloadPlan {
    static func settle(_ spec: SweepSpec, logger: Logger) -> PreloadSpec? {
        guard var preload = spec.preload else { return nil }
        guard PythonCommand(argv: spec.command) != nil else {
            logger.warning("preload: the command is not a Python script or module (python3 script.py … or python3 -m pkg.mod …, also behind slurm/job.sh); every task starts its own interpreter")
            return nil
        }
        let unsafe = preload.modules.filter { PreloadSpec.notForkSafe.contains(String($0.split(separator: ".")[0])) }
        if !unsafe.isEmpty {
            logger.warning("preload: \(unsafe.joined(separator: ", ")) is not safe to fork after import (its threads and CUDA state do not survive fork); each task imports it itself")
            preload.modules.removeAll { unsafe.contains($0) }
        }
        guard !preload.modules.isEmpty else { return nil }
        logger.info("preload: \(preload.modules.joined(separator: ", ")) imported once per slot by a warm Python; each task is forked from it (a fresh one every \(preload.recycleAfterTasks) tasks)")
        return preload
    }
}
