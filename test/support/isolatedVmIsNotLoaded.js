// jest maps `isolated-vm` here (jest.config.js), so the unit suite fails if anything loads it.
// It is in node_modules only as a dependency of n8n's own packages (n8n-workflow's optional VM
// expression engine, loaded on demand) and needs Node.js 24; the unit suite runs on Node.js 20
// too, where `npm install` warns EBADENGINE for it (README, Installation, "Node.js").
throw new Error(
	'isolated-vm was loaded: the unit suite must run on Node.js 20 without it (test/support/isolatedVmIsNotLoaded.js)',
);
