import ChorusStore

extension SQLRow {
    /// Tests inspect ad-hoc queries by column name; store code uses the typed reads.
    public subscript(_ column: String) -> SQLValue { values[column] ?? .null }
}
