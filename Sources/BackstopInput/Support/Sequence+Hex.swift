import Foundation

#if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import Crypto
#endif

extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte: how digests are written in the record, sidecars and ids.
    /// Written into one byte array (every record row's hash goes through here; a string per
    /// byte, joined, cost more than hashing the row). Inlinable, so each caller gets a version for
    /// its own sequence: the generic one iterated through witness tables, which showed in the
    /// profile of a triage batch's commit. A sequence that does not know its length is given
    /// room for a digest's 32 bytes, so the array does not grow six times on the way there.
    @inlinable package var hexString: String {
        var text: [UInt8] = []
        text.reserveCapacity(Swift.max(underestimatedCount, 32) * 2)
        for byte in self {
            text.append(Self.hexDigit(byte >> 4))
            text.append(Self.hexDigit(byte & 0x0F))
        }
        return String(decoding: text, as: UTF8.self)
    }

    @usableFromInline static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

// The fuzz build has no swift-crypto (FuzzBuildStandIns.swift): its stand-in digest takes the
// generic route above.
#if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    extension Digest {
        /// A digest's hex written straight into the string's own storage: one allocation. Every
        /// notification the webhook accepts has two digests written out (its dedup key and its record
        /// row's hash), and the byte array and its copy into a string were a tenth of the intake's
        /// allocations.
        @inlinable package var hexString: String {
            withUnsafeBytes { bytes in
                String(unsafeUninitializedCapacity: bytes.count * 2) { text in
                    for (index, byte) in bytes.enumerated() {
                        text[2 * index] = Self.hexDigit(byte >> 4)
                        text[2 * index + 1] = Self.hexDigit(byte & 0x0F)
                    }
                    return bytes.count * 2
                }
            }
        }
    }
#endif
