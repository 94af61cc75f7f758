// Runner for bench/deployment.ts on the TypeScript sources (no build needed):
//   node bench/deployment.mjs [replicas=1000] [store=sqlite|memory] [controllers=child|in-process] [nodeName]
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { benchDeployment, formatDeploymentFigures } = await import('./deployment.ts');
const [replicasArg, storeArg, modeArg, nodeName] = process.argv.slice(2);
const figures = await benchDeployment({
  replicas: Number(replicasArg) || 1000,
  store: storeArg === 'memory' ? 'memory' : 'sqlite',
  controllers: modeArg === 'in-process' ? 'in-process' : 'child',
  nodeName: nodeName || undefined,
});
console.log(formatDeploymentFigures(figures));
