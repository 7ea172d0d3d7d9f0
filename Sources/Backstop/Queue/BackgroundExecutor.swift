import Foundation
import Synchronization

/// A `TaskExecutor` with one thread of its own, scheduled by the kernel below the threads that
/// answer requests (a higher nice value). A worker whose task prefers it (the triage of accepted
/// notifications) gets the CPU the webhook's intake leaves, rather than half of it: during a
/// burst the senders are answered first, and between bursts the worker has both cores' worth of
/// idle time. Swift's global executor and Dispatch offer no thread priority on Linux (their
/// quality-of-service classes do not change a thread's nice value), so this one thread is
/// hand-written.
///
/// Work hops off it wherever it awaits something isolated elsewhere (an actor, the store's
/// writer queue), so only the worker's own computation runs at the lower priority, never what
/// holds a lock another request waits for.
package final class BackgroundExecutor: TaskExecutor, Sendable {
    private struct State {
        var jobs: [UnownedJob] = []
        var next = 0
        var stopped = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Starts the thread, named `name` (as `top -H` shows it, 15 characters at most), at the
    /// process's nice value plus `niceness` (the kernel caps it at 19).
    package init(name: String, niceness: Int32) {
        let thread = Thread { [self] in
            // Named here: a new thread starts with its creator's name, and Foundation's setter
            // names only the thread it is called on.
            Thread.current.name = name
            // On Linux a nice value belongs to a thread, and `who` 0 is the calling thread: this
            // lowers this thread only.
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            // A refusal (a sandbox's seccomp policy) leaves it at the process's priority:
            // slower intake under load, nothing else.
            _ = setpriority(which, 0, getpriority(which, 0) + niceness)
            run()
        }
        thread.start()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        state.withLock { $0.jobs.append(job) }
        wakeUp.signal()
    }

    /// Ends the thread once the jobs already queued ran.
    package func stop() {
        state.withLock { $0.stopped = true }
        wakeUp.signal()
    }

    private func run() {
        while true {
            wakeUp.wait()
            let job: UnownedJob? = state.withLock { state in
                guard state.next < state.jobs.count else { return nil }
                let job = state.jobs[state.next]
                state.next += 1
                if state.next == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.next = 0
                }
                return job
            }
            if let job {
                job.runSynchronously(on: asUnownedTaskExecutor())
            } else if state.withLock({ $0.stopped }) {
                return
            }
        }
    }
}

/// The thread a worker asks for: its name and how much nicer than the process it runs.
package struct BackgroundThread: Sendable {
    package let name: String
    package let niceness: Int32

    package init(name: String, niceness: Int32) {
        self.name = name
        self.niceness = niceness
    }
}
