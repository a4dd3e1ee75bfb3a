// The HTTP server layer lands here next.
