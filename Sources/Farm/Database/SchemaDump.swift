import GRDB

/// The SQL that creates a database's tables and indexes, as `sqlite3 DB .schema` prints it.
package enum SchemaDump {
    package static func text(of db: Database) throws -> String {
        let statements = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
            ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name
            """)
        return statements.map { $0 + ";\n" }.joined()
    }
}
