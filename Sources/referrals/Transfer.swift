import ArgumentParser
import Foundation
import ReferralCore
import ReferralStore
import Synchronization

/// The first line of an export: what it is and which schema wrote it.
struct ExportHeader: Codable {
    static let formatName = "referrals-export"

    var format = formatName
    var version = 1
    var site: String?
    var exportedAt: String
}

/// One exported row.
struct ExportLine: Codable {
    var table: String
    var row: [String: JSONValue]
}

/// `referrals export`: every table of one site (or of the whole deployment) as JSON Lines.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write all data (of one site, or all sites) as JSON Lines, e.g. to move from SQLite to PostgreSQL."
    )

    @Option(help: "Export only this site (default: every site, with API keys and generated secrets).") var site: String?
    @Option(help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let siteID = try site.map { text in
            guard let id = try? SiteID(validating: text) else { throw ValidationError("--site: '\(text)' is not a valid site id") }
            return id
        }
        let sink: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil) else {
                throw ValidationError("--output: can't create \(output)")
            }
            sink = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        } else {
            sink = FileHandle.standardOutput
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let write: @Sendable (Data) -> Void = { data in sink.write(data + Data("\n".utf8)) }
        write(try encoder.encode(ExportHeader(site: siteID?.rawValue, exportedAt: Timestamp.format(Date()))))
        let counts = try await options.withStore(migrate: false, mustExist: true) { store, _ in
            var counts: [(String, Int)] = []
            for table in try await store.read({ $0.dataTransfer.tables }) {
                let counter = LineCounter()
                try await store.read { tx in
                    try await tx.dataTransfer.export(table: table, site: siteID) { row in
                        if let data = try? encoder.encode(ExportLine(table: table, row: row)) {
                            write(data)
                            counter.increment()
                        }
                    }
                }
                counts.append((table, counter.value))
            }
            return counts
        }
        if output != nil { try sink.close() }
        let summary = counts.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        FileHandle.standardError.write(Data("exported \(summary)\n".utf8))
    }
}

/// `referrals import`: loads an export into a database (migrating it first). Rows that exist
/// already are left alone, so an interrupted import can simply be run again.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load a `referrals export` file into the database.")

    static let batchSize = 500

    @Option(help: "Read from this file instead of standard input.") var input: String?
    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        var lines: [String]
        if let input {
            lines = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n").map(String.init)
        } else {
            lines = []
            while let line = readLine() { lines.append(line) }
        }
        guard let first = lines.first, let header = try? JSONDecoder().decode(ExportHeader.self, from: Data(first.utf8)),
            header.format == ExportHeader.formatName, header.version == 1
        else {
            throw ValidationError("the input is not a referrals export (version 1)")
        }
        let decoder = JSONDecoder()
        var rows: [ExportLine] = []
        for (index, line) in lines.dropFirst().enumerated() where !line.isEmpty {
            do {
                rows.append(try decoder.decode(ExportLine.self, from: Data(line.utf8)))
            } catch {
                throw ValidationError("line \(index + 2) is not an exported row: \(error)")
            }
        }
        let batches = stride(from: 0, to: rows.count, by: Self.batchSize).map { Array(rows[$0..<min($0 + Self.batchSize, rows.count)]) }
        let inserted = try await options.withStore { store, _ in
            var inserted = 0
            for batch in batches {
                inserted += try await store.write { tx in
                    var count = 0
                    for line in batch where try await tx.dataTransfer.importRow(table: line.table, line.row) { count += 1 }
                    return count
                }
            }
            try await store.write { try await $0.dataTransfer.refreshPlannerStatistics() }
            return inserted
        }
        emit("imported \(inserted) rows (\(rows.count - inserted) already present) from an export of \(header.site ?? "all sites")")
    }
}

/// Counts rows written from the export callback.
final class LineCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }

    var value: Int { count.withLock { $0 } }
}
