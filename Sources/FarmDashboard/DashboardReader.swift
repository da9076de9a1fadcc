import Farm
import Foundation
import GRDB
import Hummingbird

/// Reads the dashboard's documents from the results database, each from a new read-only connection
/// (`readonly`, `query_only`), so a database replaced while serving is read anew and one deleted is a clear
/// error, never a crash. Reads run on a queue of their own: a slow query never holds the server's threads.
struct DashboardReader: Sendable {
    let database: String
    private static let queue = DispatchQueue(label: "farm.dashboard.read", attributes: .concurrent)

    /// The document `make` builds, as JSON; a database that cannot be read is 503, a bad request 400.
    func json(_ make: @escaping @Sendable (Database) throws -> JSONValue) async -> Snapshot {
        await read { db in Snapshot.json(try make(db)) }
    }

    func read(_ make: @escaping @Sendable (Database) throws -> Snapshot) async -> Snapshot {
        let database = self.database
        return await withCheckedContinuation { continuation in
            Self.queue.async {
                let snapshot: Snapshot
                do {
                    let queue = try Store.openForReading(database)
                    snapshot = try queue.read { db in try make(db) }
                } catch let error as DashboardRequestError {
                    snapshot = .error(error.message, status: error.status)
                } catch let error as StoreError {
                    snapshot = .error(ErrorText.line(for: error, database: database), status: .serviceUnavailable)
                } catch let error as AnalysisError {
                    snapshot = .error(error.description, status: .badRequest)
                } catch let error as LedgerError {
                    snapshot = .error(error.description, status: .badRequest)
                } catch {
                    snapshot = .error("database \(database) cannot be read: \(ErrorText.line(for: error, database: database))", status: .serviceUnavailable)
                }
                continuation.resume(returning: snapshot)
            }
        }
    }

    /// The sweep writing `table` (nil: the first sweep), with its stored spec.
    static func sweep(_ table: String?, in db: Database) throws -> (id: Int64, table: String, spec: SweepSpec) {
        guard try LedgerSchema.exists(in: db) else {
            throw DashboardRequestError("this database has no farm ledger: no farmrun has run a sweep into it", status: .notFound)
        }
        let rows = try Row.fetchAll(db, sql: "SELECT id, results_table, spec FROM farm_sweep ORDER BY id")
        let chosen = table.map { name in rows.first { ($0[1] as String).lowercased() == name.lowercased() } } ?? rows.first
        guard let row = chosen else {
            let names = rows.map { $0[1] as String }
            throw DashboardRequestError(table.map { "no sweep writes table \($0) (sweeps: \(names.joined(separator: ", ")))" } ?? "the ledger holds no sweep yet",
                                        status: .notFound)
        }
        return (row[0], row[1], try SweepSpec(storedJSON: row[2]))
    }
}

/// A request the dashboard cannot answer as asked (unknown sweep or column), with the HTTP status to give.
struct DashboardRequestError: Error {
    let message: String
    let status: HTTPResponse.Status

    init(_ message: String, status: HTTPResponse.Status = .badRequest) {
        self.message = message
        self.status = status
    }
}
