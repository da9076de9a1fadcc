/// Errors about the ledger as a whole (not one task): a database that holds a
/// different table of the same name, or a sweep that does not fit its ledger.
public struct LedgerError: FarmError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
