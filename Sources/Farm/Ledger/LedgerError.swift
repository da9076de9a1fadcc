/// Errors about the ledger as a whole (not one task): a database that holds a
/// different table of the same name, or a sweep that does not fit its ledger.
package struct LedgerError: FarmError {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
