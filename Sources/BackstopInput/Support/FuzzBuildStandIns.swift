#if FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import Foundation

    // The fuzz build (BACKSTOP_FUZZ=1, scripts/fuzz; the define is OSS-Fuzz's name for such
    // builds) leaves out swift-crypto and swift-nio-ssl: their two BoringSSL copies were most of the
    // sanitizer build's time, and neither parses Backstop's input. These stand-ins keep the
    // parsers' code the same. Never part of a normal build: Package.swift defines the condition
    // only with BACKSTOP_FUZZ=1, and `backstop` is never built that way.

    /// SHA-256's shape, not its security: FNV-1a, four times with different offsets, 32 bytes. The
    /// parsers only need a digest that is deterministic and the same for equal input.
    package enum SHA256 {
        package struct Digest: Sendable, Equatable, Sequence {
            var bytes: [UInt8]

            package func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
        }

        package static func hash(data: some DataProtocol) -> Digest {
            var bytes: [UInt8] = []
            for lane in UInt64(0)..<4 {
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325 &+ lane
                for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                bytes += (0..<8).map { UInt8(truncatingIfNeeded: hash >> ($0 * 8)) }
            }
            return Digest(bytes: bytes)
        }
    }

    /// No certificate is ever read in the fuzz build (`tls_server_config` is refused there), so
    /// `WebTLS` keeps its shape with types that have no values.
    package typealias NIOSSLCertificate = Never
    package typealias NIOSSLPrivateKey = Never
#endif
