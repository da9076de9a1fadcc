import Foundation
import Logging

/// farmrun's log lines on stderr, made to be read in a Slurm output file:
/// progress and notices carry a timestamp, errors are one plain line
/// (`farmrun: …`) like every other error the tools print. No terminal control
/// characters, no metadata noise.
package struct FarmLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    private let program: String

    package init(program: String, level: Logger.Level) {
        self.program = program
        self.logLevel = level
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let message = event.message
        switch event.level {
        case .error, .critical:
            StandardStreams.writeError("\(program): \(message)")
        case .warning:
            StandardStreams.writeError("\(FarmLogHandler.timestamp()) \(program): warning: \(message)")
        default:
            StandardStreams.writeError("\(FarmLogHandler.timestamp()) \(program): \(message)")
        }
    }

    /// "2026-11-26 09:54:48", local time.
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
