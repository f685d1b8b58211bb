/**
 * Build steps after `tsc` (run by `npm run build`):
 * - bundle: copies jsonpath-plus's self-contained CommonJS build into dist/vendor, because n8n
 *   installs no runtime dependencies of a community package and does not ship jsonpath-plus.
 * - icons: copies node and credential icons next to the compiled files.
 */
const { src, dest, parallel } = require('gulp');
const path = require('node:path');

function bundleJsonPath() {
	const packageDir = path.dirname(require.resolve('jsonpath-plus/package.json'));
	return src([path.join(packageDir, 'dist/index-node-cjs.cjs'), path.join(packageDir, 'LICENSE')], {
		allowEmpty: false,
	}).pipe(dest('dist/vendor/jsonpath-plus'));
}

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports.build = parallel(bundleJsonPath, copyIcons);
exports.default = exports.build;
