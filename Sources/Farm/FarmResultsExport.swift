// The results core (JSON, rows, the table logic, SQLite's C API) is a module of its own so that
// the `dbtool` executable carries it without Foundation or GRDB; to the rest of Farm and its users
// it is part of Farm.
@_exported import FarmResults
