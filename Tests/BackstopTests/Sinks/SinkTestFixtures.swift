import Backstop
import BackstopCore
import BackstopTesting
import Foundation

/// An incident and its outbox messages, as the outbox hands them to a tracker sink.
enum SinkFixtures {
    static let incidentID = "inc_20261122_0200_a1b2c3"
    static let dedupKey = "backstop/orders-db/disk_full"
    static let reportURL = "https://backstop.example.com/incidents/inc_20261122_0200_a1b2c3"

    /// A report using everything the Markdown → ADF conversion has to handle.
    static let report = """
        # Backup of orders-db failed: disk_full

        The nightly backup of **orders-db** failed in run `run_20261122_0415_abcdef`.
        See the [runbook](https://wiki.example.com/runbooks/disk-full) or https://backstop.example.com/runs/42.

        | Asset | Cause |
        |---|---|
        | orders-db | disk_full |

        ## Evidence

        - **State:** failed
        - **Artifact:** `/srv/backups/orders/orders-2026-11-22.sql.gz`
          - nested detail with *emphasis* and snake_case_names
        - ~~old~~ new

        1. Free space on /srv/backups
        2. Retry the backup

        > The disk was full at 02:15.
        > ## A heading inside a quote

        ```text
        pg_dump: error: could not write to output file: No space left on device
        ```

        ---

        Unclosed **bold and `code` and a_b_c stay text.
        """

    static func incident(id: String = incidentID, references: [SinkKind: ExternalReference] = [:]) -> Incident {
        let opened = Date(timeIntervalSince1970: 1_795_312_800)
        return Incident(
            id: id, dedupKey: dedupKey, asset: "orders-db", cause: .diskFull, schedule: "nightly", state: .open,
            title: "Backup of orders-db failed: disk_full", summary: "The nightly backup of orders-db failed: the disk is full.",
            openedAt: opened, updatedAt: opened, lastRunID: "run_20261122_0415_abcdef", references: references)
    }

    static func message(
        _ action: OutboxAction, target: SinkKind = .jira, id: Int64 = 1, markdown: String = report, inDoubt: Bool = false
    ) -> OutboxMessage {
        let opened = Date(timeIntervalSince1970: 1_795_312_800)
        let payload = OutboxPayload(
            title: "Backup of orders-db failed: disk_full", summary: "The nightly backup of orders-db failed: the disk is full.",
            markdown: markdown, dedupKey: dedupKey, asset: "orders-db", cause: .diskFull, schedule: "nightly", reportURL: reportURL,
            details: ["asset": "orders-db"], occurredAt: opened)
        return OutboxMessage(
            id: id, incidentID: incidentID, target: target, action: action, payload: payload, createdAt: opened, inDoubt: inDoubt)
    }

    /// The error `body` throws, or nil when it succeeds.
    static func failure(_ body: () async throws(SinkError) -> ExternalReference?) async -> SinkError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }
}

extension JSONValue {
    /// The element at `index` of an array, for reading ADF documents in assertions.
    subscript(index: Int) -> JSONValue? {
        guard let array, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
