import SQLKit

/// A statement's text and bind values, written like SQLKit's `SQLQueryString` (`\(bind:)`,
/// `\(unsafeRaw:)`, nested statements) but built in one pass.
///
/// `SQLQueryString` keeps a list of expressions that SQLKit walks at every execution, boxing
/// each bound value on the heap and formatting its placeholder: in profiles of the single
/// SQLite writer, building and serializing the statements of a new order took about 13 % of its
/// time. Here the text is written once, with SQLite's anonymous `?` at each bound value, and
/// the connection runs it as it is (`SQLiteDirectDatabase`). For any other database
/// (PostgreSQL), the text is handed to SQLKit at execution with each `?` of a bound value
/// (their offsets are kept, so a `?` elsewhere in the text is never mistaken for one) replaced
/// by the dialect's placeholder.
public struct StoreSQL: ExpressibleByStringInterpolation, StringInterpolationProtocol, Sendable {
    public private(set) var text: String
    public private(set) var binds: [any Encodable & Sendable]
    /// The UTF-8 offset in `text` of each bound value's `?`.
    private var bindOffsets: [Int]

    public init(_ text: String) {
        self.text = text
        self.binds = []
        self.bindOffsets = []
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(stringInterpolation: StoreSQL) {
        self = stringInterpolation
    }

    public init(literalCapacity: Int, interpolationCount: Int) {
        text = ""
        text.reserveCapacity(literalCapacity + 2 * interpolationCount)
        binds = []
        binds.reserveCapacity(interpolationCount)
        bindOffsets = []
        bindOffsets.reserveCapacity(interpolationCount)
    }

    public mutating func appendLiteral(_ literal: String) {
        text += literal
    }

    /// A value sent apart from the text.
    public mutating func appendInterpolation(bind value: any Encodable & Sendable) {
        bindOffsets.append(text.utf8.count)
        text += "?"
        binds.append(value)
    }

    /// Text inserted as it is: only for identifiers and SQL the code itself chooses.
    public mutating func appendInterpolation(unsafeRaw text: String) {
        self.text += text
    }

    /// Values sent apart from the text, separated by commas (for `IN (...)`).
    public mutating func appendInterpolation(binds values: [any Encodable & Sendable]) {
        for (index, value) in values.enumerated() {
            if index > 0 { text += ", " }
            appendInterpolation(bind: value)
        }
    }

    /// Another statement's text and values, in place.
    public mutating func appendInterpolation(_ other: StoreSQL) {
        append(other)
    }

    public mutating func append(_ other: StoreSQL) {
        let shift = text.utf8.count
        text += other.text
        binds += other.binds
        bindOffsets += other.bindOffsets.map { $0 + shift }
    }

    public static func += (lhs: inout StoreSQL, rhs: StoreSQL) {
        lhs.append(rhs)
    }

    /// The statement as a SQLKit expression, whose serialization asks the dialect for each
    /// placeholder.
    public var expression: some SQLExpression { Expression(sql: self) }

    private struct Expression: SQLExpression {
        let sql: StoreSQL

        func serialize(to serializer: inout SQLSerializer) {
            let utf8 = sql.text.utf8
            var start = utf8.startIndex
            var startOffset = 0
            for (value, offset) in zip(sql.binds, sql.bindOffsets) {
                let mark = utf8.index(start, offsetBy: offset - startOffset)
                serializer.write(String(sql.text[start..<mark]))
                serializer.write(bind: value)
                start = utf8.index(after: mark)
                startOffset = offset + 1
            }
            serializer.write(String(sql.text[start...]))
        }
    }
}

extension Array where Element == StoreSQL {
    public func joined(separator: String) -> StoreSQL {
        var result = StoreSQL("")
        for (index, part) in enumerated() {
            if index > 0 { result.appendLiteral(separator) }
            result.append(part)
        }
        return result
    }
}

/// A `StoreSQL` statement ready to run on a database, with the fetch methods of SQLKit's raw
/// builder.
struct StoreStatement {
    let db: any SQLDatabase
    let sql: StoreSQL

    func all() async throws -> [any SQLRow] {
        if let direct = db as? SQLiteDirectDatabase {
            var rows: [any SQLRow] = []
            try direct.run(sql) { rows.append($0) }
            return rows
        }
        nonisolated(unsafe) var rows: [any SQLRow] = []
        try await db.execute(sql: sql.expression) { rows.append($0) }
        return rows
    }

    func first() async throws -> (any SQLRow)? {
        try await all().first
    }

    func run() async throws {
        if let direct = db as? SQLiteDirectDatabase {
            try direct.run(sql) { _ in }
            return
        }
        try await db.execute(sql: sql.expression) { _ in }
    }
}

extension SQLDatabase {
    /// Runs `sql`: as it is on SQLite's direct connection, through SQLKit elsewhere.
    func statement(_ sql: StoreSQL) -> StoreStatement {
        StoreStatement(db: self, sql: sql)
    }
}
