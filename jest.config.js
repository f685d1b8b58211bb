/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// lib/jsonPath.ts loads the copy of jsonpath-plus the build puts in dist/vendor.
	moduleNameMapper: {
		'^\\.\\./vendor/jsonpath-plus/index-node-cjs\\.cjs$':
			'<rootDir>/node_modules/jsonpath-plus/dist/index-node-cjs.cjs',
	},
	transform: {
		// Type checking is `tsc -p test` (part of `npm test`); jest only transpiles.
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
};
