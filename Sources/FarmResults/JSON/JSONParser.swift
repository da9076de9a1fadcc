/// A strict, allocation-light JSON parser over raw bytes.
///
/// It exists because results must keep their key order (it becomes the column
/// order), must reject duplicate keys and integers that do not fit in 64 bits
/// rather than silently change them, and must accept `NaN`/`Infinity`, which
/// Python's `json.dumps` writes by default.
package struct JSONParser {
    private let bytes: [UInt8]
    private var index: Int = 0
    private var depth: Int = 0
    private static let maxDepth = 512
    /// Up to this many keys an object checks a new key against the others one by one.
    private static let keysScanned = 32

    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses text that holds exactly one JSON value (surrounding whitespace allowed).
    package static func parseOne(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        guard !parser.atEnd else { throw JSONError("no JSON value (the text is empty)", at: 0) }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.atEnd else {
            throw JSONError("more text after the JSON value", at: parser.index)
        }
        return value
    }

    /// Parses a stream of JSON values separated by whitespace: JSON Lines, or
    /// pretty-printed objects one after another.
    package static func parseStream(_ bytes: [UInt8]) throws(JSONError) -> [JSONValue] {
        var parser = JSONParser(bytes: bytes)
        var values: [JSONValue] = []
        parser.skipWhitespace()
        while !parser.atEnd {
            do {
                values.append(try parser.parseValue())
            } catch {
                var located = error
                located.valueIndex = values.count
                throw located
            }
            parser.skipWhitespace()
        }
        return values
    }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func describeByte(at i: Int) -> String {
        guard i < bytes.count else { return "the end of the text" }
        let b = bytes[i]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    mutating func parseValue() throws(JSONError) -> JSONValue {
        guard index < bytes.count else { throw JSONError("the JSON text ends too early", at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "N"): try expectWord("NaN"); return .real(.nan)
        case UInt8(ascii: "I"): try expectWord("Infinity"); return .real(.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw JSONError("expected a JSON value but found \(describeByte(at: index))", at: index)
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONError) {
        let start = index
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw JSONError("the JSON text ends too early", at: start) }
        let ok = word.withUTF8Buffer { buf in
            for k in 0..<count where bytes[index + k] != buf[k] { return false }
            return true
        }
        guard ok else { throw JSONError("expected a JSON value but found \(describeByte(at: start))", at: start) }
        index += count
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        if depth > JSONParser.maxDepth { throw JSONError("JSON nested deeper than \(JSONParser.maxDepth) levels", at: index) }
    }

    private mutating func parseObject() throws(JSONError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [(key: String, value: JSONValue)] = []
        // Duplicate keys: a scan of the few keys a result has, a set only for big objects
        // (a Set's first use costs a short process like `dbtool insert` a runtime type lookup).
        var seen: Set<String>?
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw JSONError("expected a key in quotes but found \(describeByte(at: index))", at: index)
            }
            let keyStart = index
            let key = try parseString()
            let duplicate: Bool
            if members.count < JSONParser.keysScanned {
                duplicate = members.contains { $0.key == key }
            } else {
                if seen == nil { seen = Set(members.map(\.key)) }
                duplicate = seen?.insert(key).inserted == false
            }
            guard !duplicate else {
                throw JSONError("duplicate key \"\(key)\"", at: keyStart)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw JSONError("expected ':' after key \"\(key)\" but found \(describeByte(at: index))", at: index)
            }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            guard index < bytes.count else { throw JSONError("the JSON text ends inside an object", at: index) }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw JSONError("expected ',' or '}' but found \(describeByte(at: index))", at: index)
        }
    }

    private mutating func parseArray() throws(JSONError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw JSONError("the JSON text ends inside an array", at: index) }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw JSONError("expected ',' or ']' but found \(describeByte(at: index))", at: index)
        }
    }

    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < bytes.count && bytes[index] == UInt8(ascii: "I") {
                try expectWord("Infinity")
                return .real(-.infinity)
            }
        }
        var isInteger = true
        let digitsStart = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        guard index > digitsStart else { throw JSONError("a number has no digits", at: start) }
        if bytes[digitsStart] == UInt8(ascii: "0") && index - digitsStart > 1 {
            throw JSONError("a number has a leading zero", at: start)
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fracStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > fracStart else { throw JSONError("a number has no digits after '.'", at: start) }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            let expStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > expStart else { throw JSONError("a number has no digits in its exponent", at: start) }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger {
            guard let value = Int64(text) else {
                throw JSONError("the integer \(text) does not fit in 64 bits (quote it as a string, or write it as a real such as \(text.prefix(3))e\(text.count - 1 - (text.hasPrefix("-") ? 1 : 0)))", at: start)
            }
            return .integer(value)
        }
        guard let value = Double(text) else { throw JSONError("the number \(text) is not valid", at: start) }
        return .real(value)
    }

    private mutating func parseString() throws(JSONError) -> String {
        let start = index
        index += 1
        // Fast path: no escapes.
        var scan = index
        while scan < bytes.count {
            let b = bytes[scan]
            if b == UInt8(ascii: "\"") {
                let slice = bytes[index..<scan]
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw JSONError("a string is not valid UTF-8", at: start)
                }
                index = scan + 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            scan += 1
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(scan - index + 16)
        while true {
            guard index < bytes.count else { throw JSONError("a string is not closed", at: start) }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            if b < 0x20 { throw JSONError("a string holds a raw control character (escape it)", at: index) }
            if b != UInt8(ascii: "\\") { buffer.append(b); index += 1; continue }
            index += 1
            guard index < bytes.count else { throw JSONError("a string is not closed", at: start) }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw JSONError("a string holds an unpaired surrogate \\u escape", at: index)
                    }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw JSONError("a string holds an unpaired surrogate \\u escape", at: index)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw JSONError("a string holds an unpaired surrogate \\u escape", at: index)
                }
                guard let u = Unicode.Scalar(scalar) else { throw JSONError("a string holds an invalid \\u escape", at: index) }
                buffer.append(contentsOf: Array(String(u).utf8))
            default:
                throw JSONError("a string holds an unknown escape '\\\(Character(Unicode.Scalar(e)))'", at: index - 2)
            }
        }
        guard let s = String(validating: buffer, as: UTF8.self) else {
            throw JSONError("a string is not valid UTF-8", at: start)
        }
        return s
    }

    private mutating func parseHex4() throws(JSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONError("a \\u escape is cut short", at: index) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw JSONError("a \\u escape has a non-hex digit", at: index)
            }
            v = v << 4 | d
            index += 1
        }
        return v
    }
}
