import { ExampleApp } from './app';

// `cdk8s synth` sets CDK8S_OUTDIR from cdk8s.yaml; `npx projen synth:example` uses the default.
const app = new ExampleApp({ outdir: process.env.CDK8S_OUTDIR ?? 'dist/manifests' });
app.synth();
console.log(`Synthesized ${app.charts.length} charts to ${app.outdir}/`);
