// The transport lands here next.
