/// A compact binary form of `Message`: a tag byte, then fixed-width integers
/// and length-prefixed UTF-8. Results travel as typed values, so rank 0 never
/// parses JSON.
package enum MessageCoding {
    package static func encode(_ message: Message) -> [UInt8] {
        var w = ByteWriter()
        switch message {
        case .ready(let host, let resources):
            w.u8(1); w.string(host)
            if let resources { w.u8(1); w.resources(resources) } else { w.u8(0) }
        case .assign(let a):
            w.u8(2); w.i64(a.taskID); w.f64(a.timeout)
            w.u32(UInt32(a.argv.count)); for s in a.argv { w.string(s) }
            w.u32(UInt32(a.environment.count))
            for (k, v) in a.environment.sorted(by: { $0.key < $1.key }) { w.string(k); w.string(v) }
            if let key = a.reportKey { w.u8(1); w.string(key) } else { w.u8(0) }
            if let job = a.resources {
                w.u8(1); w.ints(job.cpus); w.u8(job.pin ? 1 : 0); w.strings(job.deviceVariables)
                if let devices = job.devices { w.u8(1); w.strings(devices) } else { w.u8(0) }
            } else {
                w.u8(0)
            }
            if let preload = a.preload { w.u8(1); w.strings(preload.modules); w.i64(Int64(preload.recycleAfterTasks)) } else { w.u8(0) }
        case .outcome(let o):
            w.u8(3); w.i64(o.taskID)
            switch o.status {
            case .succeeded(let row):
                w.u8(0)
                w.row(row)
            case .failed(let f, let message):
                w.u8(1); w.string(f.rawValue); w.string(message)
            }
            w.optionalI32(o.exitCode); w.optionalI32(o.signal)
            w.f64(o.startedAt); w.f64(o.wallSeconds); w.string(o.host); w.i64(Int64(o.rank))
            w.string(o.stderrTail); w.string(o.stdoutHead)
            if let usage = o.usage { w.u8(1); w.f64(usage.cpuSeconds); w.i64(usage.maxRSSKiB) } else { w.u8(0) }
            w.optionalString(o.cpus); w.optionalString(o.devices); w.optionalString(o.note)
        case .signalled(let s):
            w.u8(4); w.i64(Int64(s))
        case .abort:
            w.u8(5)
        case .stop:
            w.u8(6)
        case .retract:
            w.u8(7)
        case .retracted(let id):
            w.u8(8); w.i64(id)
        case .report(let id, let row):
            w.u8(9); w.i64(id); w.row(row)
        case .prune(let id):
            w.u8(10); w.i64(id)
        }
        return w.bytes
    }

    package static func decode(_ bytes: [UInt8]) throws -> Message {
        var r = ByteReader(bytes: bytes)
        switch try r.u8() {
        case 1:
            let host = try r.string()
            return .ready(host: host, resources: try r.u8() == 1 ? try r.resources() : nil)
        case 2:
            let id = try r.i64(), timeout = try r.f64()
            var argv: [String] = []
            for _ in 0..<(try r.u32()) { argv.append(try r.string()) }
            var env: [String: String] = [:]
            for _ in 0..<(try r.u32()) { env[try r.string()] = try r.string() }
            let reportKey = try r.u8() == 1 ? try r.string() : nil
            var assignment = TaskAssignment(taskID: id, argv: argv, timeout: timeout, environment: env, reportKey: reportKey)
            if try r.u8() == 1 {
                let cpus = try r.ints(), pin = try r.u8() == 1, variables = try r.strings()
                let devices = try r.u8() == 1 ? try r.strings() : nil
                assignment.resources = JobResources(cpus: cpus, pin: pin, devices: devices, deviceVariables: variables)
            }
            if try r.u8() == 1 { assignment.preload = PreloadSpec(modules: try r.strings(), recycleAfterTasks: Int(try r.i64())) }
            return .assign(assignment)
        case 3:
            let id = try r.i64()
            let status: TaskOutcome.Status
            if try r.u8() == 0 {
                status = .succeeded(try r.row())
            } else {
                guard let f = TaskOutcome.Failure(rawValue: try r.string()) else { throw TransportError("unknown failure class in a message") }
                status = .failed(f, message: try r.string())
            }
            var outcome = TaskOutcome(
                taskID: id, status: status, exitCode: try r.optionalI32(), signal: try r.optionalI32(),
                startedAt: try r.f64(), wallSeconds: try r.f64(), host: try r.string(), rank: Int(try r.i64()),
                stderrTail: try r.string(), stdoutHead: try r.string())
            if try r.u8() == 1 { outcome.usage = ChildUsage(cpuSeconds: try r.f64(), maxRSSKiB: try r.i64()) }
            outcome.cpus = try r.optionalString()
            outcome.devices = try r.optionalString()
            outcome.note = try r.optionalString()
            return .outcome(outcome)
        case 4: return .signalled(Int32(try r.i64()))
        case 5: return .abort
        case 7: return .retract
        case 8: return .retracted(taskID: try r.i64())
        case 9: return .report(taskID: try r.i64(), row: try r.row())
        case 10: return .prune(taskID: try r.i64())
        case 6: return .stop
        case let tag: throw TransportError("unknown message tag \(tag); are all ranks the same farmrun build?")
        }
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(256) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f64(_ v: Double) { i64(Int64(bitPattern: v.bitPattern)) }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u32(UInt32($0.count)); bytes.append(contentsOf: $0) }
    }
    mutating func optionalI32(_ v: Int32?) {
        if let v { u8(1); i64(Int64(v)) } else { u8(0) }
    }
    mutating func optionalString(_ s: String?) {
        if let s { u8(1); string(s) } else { u8(0) }
    }
    mutating func ints(_ values: [Int]) {
        u32(UInt32(values.count)); for v in values { i64(Int64(v)) }
    }
    mutating func strings(_ values: [String]) {
        u32(UInt32(values.count)); for v in values { string(v) }
    }
    mutating func resources(_ r: RankResources) {
        ints(r.cpus); u8(r.cpusDeclared ? 1 : 0); strings(r.gpus); string(r.gpuSource); strings(r.deviceVariables)
        i64(Int64(r.holder)); ints(r.slots); i64(Int64(r.cpuLimit ?? 0))
    }
    mutating func row(_ row: ResultRow) {
        u32(UInt32(row.columns.count))
        for (c, v) in zip(row.columns, row.values) { string(c); value(v) }
    }

    mutating func value(_ v: SQLValue) {
        switch v {
        case .null: u8(0)
        case .integer(let i): u8(1); i64(i)
        case .real(let d): u8(2); f64(d)
        case .text(let s): u8(3); string(s)
        }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    private func need(_ n: Int) throws {
        guard offset + n <= bytes.count else { throw TransportError("a message was cut short; are all ranks the same farmrun build?") }
    }

    mutating func u8() throws -> UInt8 {
        try need(1); defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u32() throws -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[offset + k]) << (8 * k) }
        offset += 4
        return v
    }

    mutating func i64() throws -> Int64 {
        try need(8)
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (8 * k) }
        offset += 8
        return Int64(bitPattern: v)
    }

    mutating func f64() throws -> Double { Double(bitPattern: UInt64(bitPattern: try i64())) }

    mutating func string() throws -> String {
        let n = Int(try u32())
        try need(n)
        defer { offset += n }
        return String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
    }

    mutating func optionalString() throws -> String? {
        try u8() == 1 ? try string() : nil
    }
    mutating func ints() throws -> [Int] {
        var values: [Int] = []
        for _ in 0..<(try u32()) { values.append(Int(try i64())) }
        return values
    }
    mutating func strings() throws -> [String] {
        var values: [String] = []
        for _ in 0..<(try u32()) { values.append(try string()) }
        return values
    }
    mutating func resources() throws -> RankResources {
        let cpus = try ints(), declared = try u8() == 1, gpus = try strings(), source = try string(), variables = try strings()
        let holder = Int(try i64())
        var resources = RankResources(cpus: cpus, cpusDeclared: declared, gpus: gpus, gpuSource: source, deviceVariables: variables,
                                      holder: holder, slots: try ints())
        let limit = try i64()
        resources.cpuLimit = limit > 0 ? Int(limit) : nil
        return resources
    }
    mutating func optionalI32() throws -> Int32? {
        try u8() == 1 ? Int32(truncatingIfNeeded: try i64()) : nil
    }

    mutating func row() throws -> ResultRow {
        var row = ResultRow()
        let n = try u32()
        row.columns.reserveCapacity(Int(n)); row.values.reserveCapacity(Int(n))
        for _ in 0..<n { row.append(try string(), try value()) }
        return row
    }

    mutating func value() throws -> SQLValue {
        switch try u8() {
        case 0: return .null
        case 1: return .integer(try i64())
        case 2: return .real(try f64())
        default: return .text(try string())
        }
    }
}
