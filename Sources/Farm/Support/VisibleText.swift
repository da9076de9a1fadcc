/// Text from a job (its stderr, its output, an error naming them) made safe to
/// print on a terminal: control characters, which could retitle the window or
/// clear the screen (`\u{1b}]0;…\u{07}`, `\u{1b}[2J`), are shown as `\x1b`-style
/// escapes, so a hostile job's output reads as the text it is.
package enum VisibleText {
    package static func of(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: false).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0 controls but tab, DEL, and the C1 controls (U+0080–U+009F, which some terminals obey).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
