// Samples memory every 500 ms into stderr while the pipeline child runs in this process.
const started = Date.now();
const timer = setInterval(() => {
  const m = process.memoryUsage();
  process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)}s rss ${(m.rss / 1e6).toFixed(0)} heap ${(m.heapUsed / 1e6).toFixed(0)} ext ${(m.external / 1e6).toFixed(0)} ab ${(m.arrayBuffers / 1e6).toFixed(0)}\n`);
}, 500);
timer.unref();
await import('../pipeline-child.js');
