// Entry point of the range-test worker process (see the engine issue); replaced by the real worker.
export {};
