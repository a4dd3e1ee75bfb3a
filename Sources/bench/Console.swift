//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// Progress and results on standard output, one line at a time.
enum Console {
    /// Prints `text` and flushes at once, so that a long run written into a pipe or a file
    /// (`make bench | tee`) shows its progress as it goes rather than at exit.
    static func line(_ text: String = "") {
        print(text)
        fflush(nil)
    }
}
