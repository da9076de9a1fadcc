import Foundation

/// Durations as users write them in sweeps and options: `90`, `90s`, `30m`,
/// `2h`, `1h30m`, `1d`, or Slurm's `HH:MM:SS`.
package enum DurationText {
    /// The longest duration accepted: a year, longer than any batch system's time limit.
    package static let longest: Double = 366 * 86400

    package static func seconds(_ text: String, what: String) throws(SweepError) -> Double {
        let seconds = try anyLength(text, what: what)
        guard seconds <= longest else {
            throw SweepError("\(what) \"\(text)\" is longer than a year; give a shorter duration, or none for no limit")
        }
        return seconds
    }

    private static func anyLength(_ text: String, what: String) throws(SweepError) -> Double {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let n = Double(t), n >= 0 { return n }
        if t.contains(":") {
            let parts = t.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
            if parts.count <= 3, parts.allSatisfy({ $0 != nil && $0! >= 0 }) {
                return parts.reduce(0) { $0 * 60 + $1! }
            }
        }
        var total = 0.0
        var number = ""
        var sawUnit = false
        for c in t {
            if c.isNumber || c == "." { number.append(c); continue }
            let unit: Double
            switch c {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default: throw bad(text, what)
            }
            guard let n = Double(number) else { throw bad(text, what) }
            total += n * unit
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else { throw bad(text, what) }
        return total
    }

    private static func bad(_ text: String, _ what: String) -> SweepError {
        SweepError("\(what) \"\(text)\" is not a duration; write e.g. 90s, 30m, 2h, 1h30m or 01:30:00")
    }

    /// A short human form: 45s, 12m05s, 3h02m.
    package static func format(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}
