#if FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import Foundation

    // The fuzz build (BACKSTOP_FUZZ=1, scripts/fuzz; the define is OSS-Fuzz's name for such
    // builds) leaves out swift-crypto and swift-nio-ssl: their two BoringSSL copies were most of the
    // sanitizer build's time, and neither parses Backstop's input. These stand-ins keep the
    // parsers' code the same. Never part of a normal build: Package.swift defines the condition
    // only with BACKSTOP_FUZZ=1, and `backstop` is never built that way.

    /// SHA-256's shape, not its security: FNV-1a, four times with different offsets, 32 bytes. The
    /// parsers only need a digest that is deterministic and the same for equal input, whether it
    /// is given at once (`hash(data:)`) or in parts (`update`, then `finalize()`).
    package struct SHA256 {
        package struct Digest: Sendable, Equatable, Sequence {
            var bytes: [UInt8]

            package func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
        }

        private var lanes: [UInt64] = (UInt64(0)..<4).map { 0xcbf2_9ce4_8422_2325 &+ $0 }

        package init() {}

        package mutating func update(bufferPointer: UnsafeRawBufferPointer) {
            for byte in bufferPointer { fold(byte) }
        }

        package mutating func update(data: some DataProtocol) {
            for byte in data { fold(byte) }
        }

        private mutating func fold(_ byte: UInt8) {
            for lane in lanes.indices { lanes[lane] = (lanes[lane] ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }

        package func finalize() -> Digest {
            Digest(bytes: lanes.flatMap { hash in (0..<8).map { UInt8(truncatingIfNeeded: hash >> ($0 * 8)) } })
        }

        package static func hash(data: some DataProtocol) -> Digest {
            var hasher = SHA256()
            hasher.update(data: data)
            return hasher.finalize()
        }
    }

    /// No certificate is ever read in the fuzz build (`tls_server_config` is refused there), so
    /// `WebTLS` keeps its shape with types that have no values.
    package typealias NIOSSLCertificate = Never
    package typealias NIOSSLPrivateKey = Never
#endif
