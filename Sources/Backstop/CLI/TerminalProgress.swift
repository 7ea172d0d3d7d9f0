import BackstopCore
import Foundation
import Synchronization

/// A one-line progress display on stderr for `verify` in a terminal: assets done, bytes hashed,
/// rate and ETA. Redrawn at most ten times a second.
final class TerminalProgress: VerificationProgress {
    private struct State {
        var total = 0
        var done = 0
        var bytes: Int64 = 0
        var lastDraw = ContinuousClock.now - .seconds(1)
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    func planned(assets: Int) {
        state.withLock { $0.total = assets }
        draw(force: true)
    }

    func hashed(bytes: Int) {
        state.withLock { $0.bytes += Int64(bytes) }
        draw(force: false)
    }

    func finished(asset: String) {
        state.withLock { $0.done += 1 }
        draw(force: true)
    }

    func clear() {
        FileHandleWriter.standardError.write("\r\u{1B}[2K")
    }

    private func draw(force: Bool) {
        let now = ContinuousClock.now
        let line: String? = state.withLock { state in
            guard force || now - state.lastDraw >= .milliseconds(100) else { return nil }
            state.lastDraw = now
            let elapsed = max(0.001, (now - started).seconds)
            let rate = Double(state.bytes) / elapsed
            var text =
                "verifying \(state.done)/\(state.total) assets · \(ByteSize.format(state.bytes)) hashed · \(ByteSize.format(Int64(rate)))/s"
            if state.done > 0 && state.done < state.total {
                let eta = elapsed / Double(state.done) * Double(state.total - state.done)
                text += " · ETA \(Int(eta.rounded()))s"
            }
            return text
        }
        if let line { FileHandleWriter.standardError.write("\r\u{1B}[2K" + line) }
    }
}
