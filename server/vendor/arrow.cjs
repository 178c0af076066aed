// Apache Arrow through its CommonJS build: one `require` instead of ~150 ES modules. That halves the
// import in production and cuts it to a third under a module loader hook (tsx in tests), where every
// ES module costs a round trip to the hook thread. Every module takes Arrow from here, so there is
// one copy of its classes and `instanceof` holds across modules. scripts/copy-vendor.sh copies it into compiled trees.
module.exports = require('apache-arrow');
