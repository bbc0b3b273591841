/** Test hook: makes the worker die abruptly (SIGKILL of itself) after its first progress point, as a crash would. */
export const CRASH_ENV = 'CLR_WORKER_TEST_CRASH';
