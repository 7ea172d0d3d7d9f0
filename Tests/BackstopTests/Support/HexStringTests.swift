import BackstopInput
import Crypto
import Foundation
import Testing

/// Digests are written out in hex by two routes: a digest straight into a string's storage, any
/// other byte sequence through an array. Both must give the same text, or the record's hashes and
/// the notifications' dedup keys would change with the route.
@Suite struct HexStringTests {
    @Test func aDigestIsWrittenAsItsStandardLowercaseHex() {
        // FIPS 180-2's test vector for "abc".
        #expect(
            SHA256.hash(data: Data("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func aDigestAndItsBytesGiveTheSameText() {
        for text in ["", "a", String(repeating: "notification", count: 200)] {
            let digest = SHA256.hash(data: Data(text.utf8))
            #expect(digest.hexString == Array(digest).hexString)
            #expect(digest.hexString.count == 64)
        }
    }

    @Test func sequencesOfAnyLengthAreWrittenTwoDigitsAByte() {
        #expect([UInt8]().hexString == "")
        #expect(([0x00, 0x0F, 0xA0, 0xFF] as [UInt8]).hexString == "000fa0ff")
        let long = (0..<100).map { UInt8($0) }
        #expect(long.hexString.count == 200)
        #expect(long.hexString.hasPrefix("000102030405060708090a0b"))
    }
}
