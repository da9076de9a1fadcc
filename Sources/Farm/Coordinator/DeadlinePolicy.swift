import Foundation

/// Walltime-aware dispatch: when the allocation ends, and how sure farm must
/// be that a task finishes before then. A task is started only if the
/// `quantile` of the run times of tasks like it (same value of
/// `runtimeParameter`, else the whole sweep) ends before `stopBy`; near the
/// end, workers with nothing that fits stop, and the run exits 75 with every
/// result committed instead of starting work the scheduler would kill.
package struct DeadlinePolicy: Sendable, Equatable {
    /// When the allocation ends (seconds since 1970).
    package var deadline: Double
    /// Kept free before the deadline for the last commit and a clean exit.
    package var margin: Double
    /// How sure: 0.9 starts a task if 9 in 10 tasks like it finished in the time left.
    package var quantile: Double
    /// The parameter that drives run time (e.g. epochs); nil: one estimate for the sweep.
    package var runtimeParameter: String?
    /// Where the deadline came from, for the log line.
    package var source: String

    package init(deadline: Double, margin: Double = 30, quantile: Double = 0.9, runtimeParameter: String? = nil, source: String = "--deadline") {
        self.deadline = deadline
        self.margin = margin
        self.quantile = quantile
        self.runtimeParameter = runtimeParameter
        self.source = source
    }

    /// When every job must have ended.
    package var stopBy: Double { deadline - margin }
}

/// Finds when the allocation ends: `--deadline`, else Slurm's
/// `SLURM_JOB_END_TIME`, else `squeue -h -j $SLURM_JOB_ID -o %e`.
package enum AllocationDeadline {
    /// `text` as epoch seconds: a number of seconds since 1970, a duration from
    /// `now` (`90m`, `1h30m`, `01:30:00`), or an ISO time (`2026-11-26T18:00:00`, local time).
    package static func parse(_ text: String, now: Double = Date().timeIntervalSince1970) throws(SweepError) -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let epoch = Double(trimmed), epoch > 1_000_000_000 {
            // Epoch seconds up to the year 5138: beyond it (or 1e400, inf) is a typo, not a time limit.
            guard epoch < 100_000_000_000 else {
                throw SweepError("--deadline \(text): epoch seconds that far ahead are not a time; give a duration from now (90m), a time (2026-11-26T18:00:00) or epoch seconds such as 1800000000")
            }
            return epoch
        }
        if let date = isoLocal(trimmed) { return date }
        do {
            return now + (try DurationText.seconds(trimmed, what: "--deadline"))
        } catch {
            throw SweepError("--deadline \(text): give a duration from now (90m, 1h30m, 01:30:00), a time (2026-11-26T18:00:00) or epoch seconds")
        }
    }

    /// The allocation's end as Slurm reports it, or nil outside Slurm or when it has no limit.
    package static func fromSlurm(environment: [String: String] = ProcessInfo.processInfo.environment) -> (deadline: Double, source: String)? {
        if let text = environment["SLURM_JOB_END_TIME"], let epoch = Double(text), epoch > 0, epoch < 100_000_000_000 {
            return (epoch, "SLURM_JOB_END_TIME")
        }
        guard let job = environment["SLURM_JOB_ID"], !job.isEmpty else { return nil }
        guard let text = ProgramOutput.of("/usr/bin/env", ["squeue", "-h", "-j", job, "-o", "%e"]),
              let end = isoLocal(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        return (end, "squeue (job \(job))")
    }

    static func isoLocal(_ text: String) -> Double? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
