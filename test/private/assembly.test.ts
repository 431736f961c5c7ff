import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Size } from 'cdk8s';
import { k8s, TaintEffect } from 'cdk8s-plus-28';
import { HostMount } from '../../src';
import { Assembly, assemblyOf, findType, ownPackage, runtimeValue, structProperties } from '../../src/private/assembly';

/**
 * The jsii assemblies the untyped-input checks are derived from. Types are cut out of the file
 * one by one (start-up cost); these tests hold the cut-out to the whole parse.
 */
const OWN = path.join(__dirname, '..', '..', '.jsii');

describe('cutting a type out of an assembly', () => {
  test.each([ownPackage(), 'cdk8s-plus-28', 'cdk8s'])('gives what the whole parse gives, for every type of %s', (pkg) => {
    // GIVEN the whole assembly, parsed
    const file = assemblyOf(pkg).file;
    const whole = JSON.parse(fs.readFileSync(file, 'utf8')).types;
    // WHEN every type is cut out by a fresh reader
    const reader = new Assembly(pkg, file);
    const cut = Object.keys(whole).filter((fqn) => JSON.stringify(reader.type(fqn)) !== JSON.stringify(whole[fqn]));
    // THEN
    expect(Object.keys(whole).length).toBeGreaterThan(10);
    expect(cut).toEqual([]);
  });

  test('reads an assembly that redirects to a gzip-compressed one (jsii --compress-assembly)', () => {
    // GIVEN this package's assembly written the way @jsii/spec writeAssembly(compress) writes it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-redirect-'));
    const assembly = JSON.parse(fs.readFileSync(OWN, 'utf8'));
    fs.writeFileSync(path.join(dir, '.jsii'), JSON.stringify({ schema: 'jsii/file-redirect', compression: 'gzip', filename: '.jsii.gz' }));
    fs.writeFileSync(path.join(dir, '.jsii.gz'), zlib.gzipSync(JSON.stringify(assembly)));
    try {
      // WHEN
      const reader = new Assembly(ownPackage(), path.join(dir, '.jsii'));
      // THEN
      const fqn = `${ownPackage()}.NodeExporterProps`;
      expect(reader.type(fqn)).toEqual(assembly.types[fqn]);
      expect(Object.keys(reader.all())).toEqual(Object.keys(assembly.types));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails with the fix when the assembly is missing', () => {
    const reader = new Assembly('nothing', path.join(os.tmpdir(), 'no-such-dir', '.jsii'));
    expect(() => reader.type('nothing.X')).toThrow(/The jsii assembly .*no-such-dir\/\.jsii is missing.*npx projen compile/);
  });

  test('an unknown type is undefined', () => {
    expect(findType('NoSuchProps')).toBeUndefined();
  });
});

describe('reading types', () => {
  test('a struct has its inherited props', () => {
    const props = structProperties(findType('NodeExporterProps')!);
    // own, from DaemonSetOptions, and from ContainerSettings
    expect([...props.keys()]).toEqual(expect.arrayContaining(['enableCollectors', 'tolerations', 'hostMounts']));
    expect(props.get('hostMounts')!.type).toEqual({ collection: { kind: 'array', elementtype: { fqn: `${ownPackage()}.HostMount` } } });
  });

  test('an fqn resolves to its class or enum at run time, submodules included', () => {
    expect(runtimeValue(`${ownPackage()}.HostMount`)).toBe(HostMount);
    expect(runtimeValue('cdk8s.Size')).toBe(Size);
    expect(runtimeValue('cdk8s-plus-28.TaintEffect')).toBe(TaintEffect);
    expect(runtimeValue('cdk8s-plus-28.k8s.IntOrString')).toBe(k8s.IntOrString);
  });
});
