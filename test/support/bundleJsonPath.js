// jest globalSetup: the tests load the jsonpath-plus bundle the build ships, built the same way.
const path = require('node:path');
const { bundleJsonPathInto } = require('../../gulpfile');

module.exports = (globalConfig, projectConfig) =>
	bundleJsonPathInto(path.join(projectConfig.rootDir, 'node_modules/.cache/jsonpath-plus-bundle'));
