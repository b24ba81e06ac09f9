// Preloaded into a labops process by a test: on SIGUSR2, a promise rejects with no handler, as a stray library
// callback would. labops must log it and go on.
process.on('SIGUSR2', () => {
  Promise.reject(new Error('stray rejection from the test'));
});
