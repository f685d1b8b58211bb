/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// lib/jsonPath.ts loads the jsonpath-plus bundle the build puts in dist/vendor; globalSetup
	// builds the same bundle for the tests into node_modules/.cache (which no linter reads).
	globalSetup: '<rootDir>/test/support/bundleJsonPath.js',
	moduleNameMapper: {
		'^isolated-vm$': '<rootDir>/test/support/isolatedVmIsNotLoaded.js',
		'^\\.\\./vendor/jsonpath-plus/jsonpath-plus\\.js$':
			'<rootDir>/node_modules/.cache/jsonpath-plus-bundle/jsonpath-plus.js',
	},
	transform: {
		// Type checking is `tsc -p test` (part of `npm test`); jest only transpiles.
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
};
