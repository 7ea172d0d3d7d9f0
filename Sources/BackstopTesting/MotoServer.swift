import Foundation
import Synchronization

/// moto's S3 API server (PyPI `moto[server]`) on 127.0.0.1 and a free port, with signature
/// checks and IAM policies enforced: two users are made first (moto lets the first requests
/// through unauthenticated, INITIAL_NO_AUTH_ACTION_COUNT), one allowed everything and one allowed
/// nothing. Started ready (its log said so), killed on `stop()` or deinit. Test objects are
/// uploaded with boto3, an implementation independent of Backstop's own signer.
package final class MotoServer: Sendable {
    package let process: ChildProcess
    package let port: Int
    package let directory: TemporaryDirectory
    /// The user allowed everything.
    package let accessKeyID: String
    package let secretAccessKey: String
    /// A user with no policy: every S3 call is AccessDenied.
    package let deniedAccessKeyID: String
    package let deniedSecretAccessKey: String
    private let stopped = Mutex(false)

    package var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The IAM calls of `setup`, let through before moto starts checking signatures.
    private static let unauthenticatedSetupCalls = 5

    package static func start() async throws -> MotoServer {
        guard (try? await Shell.run(["python3", "-c", "import moto.server, boto3"])) != nil else {
            throw Shell.Failure(description: "python3 with moto[server] and boto3 is missing: scripts/install-test-deps installs it")
        }
        let directory = try TemporaryDirectory("backstop-moto")
        let port = try FreePort.find()
        // The child inherits the spawning thread's signal mask (Swift's threads block most
        // signals) and every descriptor not marked close-on-exec (other tests' pipes, which
        // would then never reach EOF); the launcher clears both before moto starts.
        let launcher = """
            import os, runpy, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.closerange(3, os.sysconf("SC_OPEN_MAX"))
            sys.argv = ["moto_server", "-H", "127.0.0.1", "-p", "\(port)"]
            runpy.run_module("moto.server", run_name="__main__")
            """
        let process = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["INITIAL_NO_AUTH_ACTION_COUNT=\(unauthenticatedSetupCalls)", "python3", "-c", launcher])
        guard await process.waitForLine(containing: "Running on http://127.0.0.1:\(port)") != nil else {
            process.kill()
            throw Shell.Failure(description: "moto exited before it was ready; its log:\n\(process.recentLines.joined(separator: "\n"))")
        }
        do {
            let script = try directory.write("setup.py", setupScript)
            let keys = try await Shell.run(["python3", script, "http://127.0.0.1:\(port)"]).split(separator: " ").map(String.init)
            guard keys.count == 4 else { throw Shell.Failure(description: "moto setup printed \(keys)") }
            _ = try directory.write("client.py", clientScript)
            return MotoServer(process: process, port: port, directory: directory, keys: keys)
        } catch {
            process.kill()
            throw error
        }
    }

    private init(process: ChildProcess, port: Int, directory: TemporaryDirectory, keys: [String]) {
        self.process = process
        self.port = port
        self.directory = directory
        accessKeyID = keys[0]
        secretAccessKey = keys[1].trimmingCharacters(in: .whitespacesAndNewlines)
        deniedAccessKeyID = keys[2]
        deniedSecretAccessKey = keys[3].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        stop()
    }

    package func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        // moto keeps nothing worth a graceful shutdown.
        if first { process.kill() }
    }

    package func createBucket(_ bucket: String) async throws {
        try await client(["mb", bucket])
    }

    /// Uploads `file` to `bucket/key`; with `storedChecksum`, S3 keeps its SHA-256 with it.
    package func put(bucket: String, key: String, file: String, storedChecksum: Bool = false) async throws {
        try await client(["put", bucket, key, file, storedChecksum ? "sha256" : "-"])
    }

    /// Uploads `text` to `bucket/key`.
    package func put(bucket: String, key: String, text: String) async throws {
        let file = try directory.write("upload-\(UUID().uuidString)", text)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await put(bucket: bucket, key: key, file: file)
    }

    /// Uploads `count` small objects `prefix0000…` in one go (for listings of many pages).
    package func putMany(bucket: String, prefix: String, count: Int) async throws {
        try await client(["many", bucket, prefix, "\(count)"])
    }

    private func client(_ arguments: [String]) async throws {
        try await Shell.run(["python3", directory.file("client.py"), endpoint, accessKeyID, secretAccessKey] + arguments)
    }

    private static let setupScript = """
        import boto3, json, sys
        iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        everything = json.dumps({"Version": "2012-10-17",
                                 "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        iam.create_user(UserName="backstop")
        allowed = iam.create_access_key(UserName="backstop")["AccessKey"]
        iam.put_user_policy(UserName="backstop", PolicyName="everything", PolicyDocument=everything)
        iam.create_user(UserName="nobody")
        denied = iam.create_access_key(UserName="nobody")["AccessKey"]
        print(allowed["AccessKeyId"], allowed["SecretAccessKey"], denied["AccessKeyId"], denied["SecretAccessKey"])
        """

    private static let clientScript = """
        import boto3, sys
        endpoint, key_id, secret, command = sys.argv[1:5]
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=key_id, aws_secret_access_key=secret)
        if command == "mb":
            s3.create_bucket(Bucket=sys.argv[5])
        elif command == "put":
            bucket, key, path, checksum = sys.argv[5:9]
            extra = {"ChecksumAlgorithm": "SHA256"} if checksum == "sha256" else {}
            with open(path, "rb") as body:
                s3.put_object(Bucket=bucket, Key=key, Body=body, **extra)
        elif command == "many":
            bucket, prefix, count = sys.argv[5], sys.argv[6], int(sys.argv[7])
            for index in range(count):
                s3.put_object(Bucket=bucket, Key="%s%04d" % (prefix, index), Body=b"x")
        """
}
