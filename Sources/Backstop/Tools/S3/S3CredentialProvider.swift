import BackstopCore
import Foundation

/// Reads the access key each time a request is signed, so a rotated key is used without a
/// restart: from the configured files, or as the AWS tools do (AWS_ACCESS_KEY_ID /
/// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, then the shared credentials file's profile).
/// Errors name where Backstop looked, never what it read.
package struct S3CredentialProvider: Sendable {
    package var source: S3CredentialSource
    /// The process environment, replaceable in tests.
    package var environment: [String: String]

    package init(source: S3CredentialSource, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.source = source
        self.environment = environment
    }

    package func credentials() throws(S3Error) -> S3Credentials {
        switch source {
        case .files(let idFile, let secretFile):
            let id = try Self.readKey(idFile, key: "access_key_id_file")
            let secret = try Self.readKey(secretFile, key: "secret_access_key_file")
            return S3Credentials(accessKeyID: id, secretAccessKey: secret)
        case .standard:
            return try standard()
        }
    }

    private func standard() throws(S3Error) -> S3Credentials {
        if let id = environment["AWS_ACCESS_KEY_ID"].flatMap(Self.nonEmpty) {
            guard let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap(Self.nonEmpty) else {
                throw S3Error(
                    "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or give access_key_id_file and secret_access_key_file"
                )
            }
            return S3Credentials(
                accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"].flatMap(Self.nonEmpty))
        }
        let file =
            environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap(Self.nonEmpty)
            ?? "\(environment["HOME"].flatMap(Self.nonEmpty) ?? NSHomeDirectory())/.aws/credentials"
        let profile = environment["AWS_PROFILE"].flatMap(Self.nonEmpty) ?? "default"
        let none = "no S3 credentials: Unable to locate credentials"
        guard FileManager.default.fileExists(atPath: file) else {
            throw S3Error(
                "\(none) (no AWS_ACCESS_KEY_ID in the environment and no shared credentials file \(file)); give access_key_id_file and secret_access_key_file"
            )
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw S3Error("cannot read the shared credentials file \(file): permission denied or unreadable")
        }
        let values = Self.profile(profile, in: text)
        guard let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
            throw S3Error(
                "\(none) (the shared credentials file \(file) has no aws_access_key_id and aws_secret_access_key in profile [\(profile)])")
        }
        return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: values["aws_session_token"])
    }

    /// The `key = value` lines of `[profile]` in an INI-style credentials file.
    package static func profile(_ name: String, in text: String) -> [String: String] {
        var current: String?
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard current == name, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { values[key] = value }
        }
        return values
    }

    private static func readKey(_ path: String, key: String) throws(S3Error) -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw S3Error("cannot read \(key) '\(path)': check that it exists and that Backstop's user may read it (permission denied?)")
        }
        guard let value = nonEmpty(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw S3Error("\(key) '\(path)' is empty: write the key on one line")
        }
        return value
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}

/// A failed S3 call: what to tell the user, and the store's own answer (HTTP status and S3
/// error code) as evidence for diagnosis. Never holds a key or a signature.
package struct S3Error: Error, Equatable, CustomStringConvertible {
    package var message: String
    /// `HTTP 403 Forbidden, S3 error SignatureDoesNotMatch: …`, when the store answered.
    package var evidence: String?
    package var status: Int?
    package var code: String?

    package init(_ message: String, evidence: String? = nil, status: Int? = nil, code: String? = nil) {
        self.message = message
        self.evidence = evidence
        self.status = status
        self.code = code
    }

    package var description: String { message }

    /// As the verifier records it: the message, with the store's answer kept as the excerpt.
    package var inspection: InspectionError { InspectionError(message, output: evidence) }
}
