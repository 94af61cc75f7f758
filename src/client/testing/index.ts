// Test doubles for code built on the client kit: an in-memory API and a manual clock.
export { FakeApi, type FakeApiOptions, type RecordedRequest, type RequestMatcher } from './fake-api.js';
export { FakeClock, settle } from './fake-clock.js';
