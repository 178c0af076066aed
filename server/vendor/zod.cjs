// Zod through its CommonJS build: one `require` instead of ~95 ES modules (see arrow.cjs), and one
// copy of its classes for every module.
module.exports = require('zod');
