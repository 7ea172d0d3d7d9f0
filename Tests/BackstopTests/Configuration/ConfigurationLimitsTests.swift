import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Values that used to crash Backstop (Double→Int64 traps) or be accepted and fail later are
/// configuration errors naming their key and line.
@Suite struct ConfigurationLimitsTests {
    static func parse(_ yaml: String, in directory: TemporaryDirectory) throws -> Configuration {
        try ConfigurationLoader.parse(yaml, file: "backstop.yml", baseDirectory: directory.path)
    }

    static func problems(_ yaml: String, in directory: TemporaryDirectory? = nil) throws -> [ConfigurationError.Problem] {
        let directory = try directory ?? TemporaryDirectory()
        let error = try #require(throws: ConfigurationError.self) { try parse(yaml, in: directory) }
        return error.problems
    }

    static func config(
        window: String = "2h", grace: String = "15m", sqlite: String = "./backstop.db", name: String = "orders-db",
        maxChange: String = "50%"
    ) -> String {
        """
        storage: { sqlite: "\(sqlite)" }
        schedules:
          nightly: { cron: "0 2 * * *", window: "\(window)", grace: "\(grace)" }
        assets:
          - name: "\(name)"
            schedule: nightly
            backup: { path: /b/*.gz, size: { max_change: "\(maxChange)" }, max_age: 26h }
        """
    }

    @Test(arguments: ["300000000y", "200000000y", "9223372036854775807s", "101y", "1e400s", "5300w"])
    func hugeDurationsAreErrorsNotCrashes(text: String) throws {
        let problems = try Self.problems(Self.config(window: text))
        #expect(
            problems.contains { $0.keyPath == "schedules.nightly.window" && $0.line == 3 && $0.message.contains("longer than 100y") }
                || problems.contains {
                    $0.keyPath == "schedules.nightly.window" && $0.line == 3 && $0.message.contains("is not a duration")
                },
            "\(problems)")
        let grace = try Self.problems(Self.config(grace: text))
        #expect(grace.contains { $0.keyPath == "schedules.nightly.grace" && $0.line == 3 }, "\(grace)")
        #expect(Units.duration(text) == nil)
    }

    @Test func oneHundredYearsIsTheLongestDuration() throws {
        #expect(Units.duration("100y") == .seconds(3_153_600_000))
        #expect(Units.duration("9223372036854775807s") == nil)
        let problems = try Self.problems(Self.config(window: "300000000y"))
        #expect(problems.map(\.message) == ["'300000000y' is longer than 100y, the longest duration Backstop accepts"])
    }

    @Test(arguments: ["1e400%", "nan%", "inf%", "-5%"])
    func nonFinitePercentagesAreErrors(text: String) throws {
        #expect(Units.percent(text) == nil)
        let problems = try Self.problems(Self.config(maxChange: text))
        #expect(problems.contains { $0.keyPath == "assets[0].backup.size.max_change" && $0.line == 7 }, "\(problems)")
    }

    @Test func theStoreMustNotBeADirectory() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("data"), withIntermediateDirectories: true)
        for sqlite in ["./data", "data/", directory.file("data")] {
            let problems = try Self.problems(Self.config(sqlite: sqlite), in: directory)
            #expect(
                problems.contains { $0.keyPath == "storage.sqlite" && $0.line == 1 && $0.message.contains("is a directory") }, "\(problems)"
            )
        }
        #expect(try Self.parse(Self.config(sqlite: "./data/backstop.db"), in: directory).sqlitePath.hasSuffix("/data/backstop.db"))
    }

    @Test(arguments: [".", "..", "..."])
    func anAssetCannotBeNamedLikeADirectory(name: String) throws {
        let problems = try Self.problems(Self.config(name: name))
        #expect(
            problems.contains { $0.keyPath == "assets[0].name" && $0.line == 5 && $0.message.contains("not a usable name") }, "\(problems)")
    }

    @Test(
        arguments: [
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 1, 1),
            (Array("listen: 127.0.0.1:10027\nstorage: x\u{00E9}\n".utf8.map { $0 == 0xC3 ? 0xE9 : $0 }.filter { $0 != 0xA9 }), 2, 11),
            (Array("listen: 127.0.0.1:10027\n\n  a".utf8) + [0, 1, 2], 3, 4),
        ] as [([UInt8], Int, Int)])
    func aBinaryFileIsRefusedWithItsLine(bytes: [UInt8], line: Int, column: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.yml")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: path) }
        let problem = try #require(error.problems.first)
        #expect(error.problems.count == 1)
        #expect(problem.line == line && problem.column == column, "\(error)")
        #expect(problem.message.contains("not UTF-8 text"), "\(error)")
    }
}
