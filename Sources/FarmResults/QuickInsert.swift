/// `dbtool insert DB [--table T] [--add-columns]` read without
/// swift-argument-parser. A sweep runs this once per result, and in a
/// statically linked binary the parser's first look at its command tree costs
/// more than the insert itself (runtime type and conformance lookups, about
/// 8 ms a call here). Anything else (help, another command, an unknown or
/// repeated option, `--`, `--table=T`) is nil and goes to the full parser, so
/// every message and behaviour stays the parser's.
package struct QuickInsert {
    package var database: String
    package var table: String?
    package var addColumns = false

    package init?(arguments: [String]) {
        guard arguments.first == "insert" else { return nil }
        var database: String?
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--table":
                guard table == nil, let value = rest.popFirst(), !value.hasPrefix("-") else { return nil }
                table = value
            case "--add-columns":
                guard !addColumns else { return nil }
                addColumns = true
            default:
                guard database == nil, !argument.hasPrefix("-"), !argument.isEmpty else { return nil }
                database = argument
            }
        }
        guard let database else { return nil }
        self.database = database
    }
}
