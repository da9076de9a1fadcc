/// The spec a ledger stored (`SweepSpec.jsonText`) read back, so `farmrun
/// status` can name a sweep's parameters and write a sweep of what is missing.
extension SweepSpec {
    package init(storedJSON text: String) throws {
        guard case .object(let members) = try JSONParser.parseOne(Array(text.utf8)) else {
            throw LedgerError("the ledger's sweep spec is not a JSON object")
        }
        func member(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        var command: [String] = []
        if case .array(let items)? = member("command") {
            command = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
        }
        var table = SweepSpec.defaultTable
        if case .string(let name)? = member("table") { table = name }
        var parameters: [ParameterDomain] = []
        if case .object(let domains)? = member("parameters") {
            for (name, values) in domains {
                if case .string(let text) = values, let distribution = try Distribution.parse(text, parameter: name) {
                    parameters.append(try ParameterDomain(name: name, distribution: distribution))
                }
                guard case .array(let items) = values else { continue }
                parameters.append(try ParameterDomain(name: name, values: items.compactMap(ParameterValue.init(json:))))
            }
        }
        var condition: String?
        if case .string(let text)? = member("where") { condition = text }
        func integer(_ key: String, _ fallback: Int) -> Int {
            if case .integer(let i)? = member(key) { return Int(i) }
            return fallback
        }
        var timeout: Double?
        switch member("timeout") {
        case .real(let d)?: timeout = d
        case .integer(let i)?: timeout = Double(i)
        default: timeout = nil
        }
        self.init(command: command, table: table, parameters: parameters, condition: condition,
                  replicates: integer("replicates", 1), timeout: timeout,
                  retries: member("retries").flatMap(RetryBudget.init(json:)) ?? 0)
        if case .string(let text)? = member("method"), let method = SampleMethod(rawValue: text) { self.method = method }
        if case .integer(let n)? = member("samples") { samples = Int(n) }
        if case .integer(let n)? = member("seed") { seed = UInt64(bitPattern: n) }
        readSearch(from: member)
        if case .object(let variables)? = member("env") {
            for (name, value) in variables { if case .string(let text) = value { environment[name] = text } }
        }
    }
}
