import { describe, expect, it } from 'vitest';
import { literal, type Arg } from '../../../src/engines/workloads/arg.js';
import { isLoopback, kubectlProxy } from '../../../src/engines/workloads/programs/kubectl.js';

const words = (...texts: string[]): Arg[] => texts.map(literal);
const facts = (...texts: string[]) => {
  const outcome = kubectlProxy(words(...texts));
  if (outcome.status !== 'runs') throw new Error(`expected a running proxy, got ${JSON.stringify(outcome)}`);
  return outcome.facts;
};

describe('kubectlProxy reads arguments as kubectl (cobra + pflag) does', () => {
  it('applies the defaults: loopback, port 8001, filter on', () => {
    expect(facts('proxy')).toMatchObject({ listen: 'loopback', address: '127.0.0.1', port: '8001', filterDisabled: false, hostFilterWidened: false });
  });

  it.each([
    [['proxy', '--address=0.0.0.0'], '0.0.0.0'],
    [['proxy', '--address', '0.0.0.0'], '0.0.0.0'],
    [['proxy', '--address='], ''],
    [['proxy', '--address=10.244.1.7'], '10.244.1.7'],
    [['proxy', '--address=::1'], '::1'],
    [['proxy', '--address=127.0.0.1', '--address=0.0.0.0'], '0.0.0.0'],
    [['--namespace', 'ops', 'proxy', '--address', '::'], '::'],
  ])('%j listens beyond loopback on %j', (args, address) => {
    expect(facts(...args)).toMatchObject({ listen: 'network', address });
  });

  it.each([
    [['proxy', '--address=localhost']],
    [['proxy', '--address', '127.0.0.2']],
    [['proxy', '--address=[::1]']],
    [['-n', 'ops', '--kubeconfig=/etc/kube/config', 'proxy', '-p', '8001']],
    [['-v', '2', 'proxy', '--port=8001']],
  ])('%j stays on loopback', (args) => {
    expect(facts(...args).listen).toBe('loopback');
  });

  it('serves a unix socket, whatever the address', () => {
    expect(facts('proxy', '-u', '/tmp/proxy.sock', '--address=0.0.0.0').listen).toBe('unix-socket');
    expect(facts('proxy', '--unix-socket=', '--address=0.0.0.0').listen).toBe('network');
  });

  it.each([
    [['proxy', '--disable-filter'], true],
    [['proxy', '--disable-filter', 'false'], true],
    [['proxy', '--disable-filter=true'], true],
    [['proxy', '--disable-filter=T'], true],
    [['proxy', '--disable_filter'], true],
    [['proxy', '--disable-filter=false'], false],
    [['proxy', '--disable-filter=0'], false],
  ])('%j: filter disabled = %s (a bool flag takes no separate value)', (args, disabled) => {
    expect(facts(...args).filterDisabled).toBe(disabled);
  });

  it('counts --accept-hosts as widening unless every pattern is a default one', () => {
    expect(facts('proxy', '--accept-hosts=.*').hostFilterWidened).toBe(true);
    expect(facts('proxy', '--accept-hosts', '^jump-box\\.ops$').hostFilterWidened).toBe(true);
    expect(facts('proxy', '--accept-hosts=^localhost$').hostFilterWidened).toBe(false);
    expect(facts('proxy', '--accept-hosts=^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$').hostFilterWidened).toBe(false);
    expect(facts('proxy', '--accept-hosts=').hostFilterWidened).toBe(false);
  });

  it('reads shorthands as pflag does: -p 1, -p1, -p=1', () => {
    expect(facts('proxy', '-p', '1').port).toBe('1');
    expect(facts('proxy', '-p1').port).toBe('1');
    expect(facts('proxy', '-p=1').port).toBe('1');
  });

  it('stops reading flags at --', () => {
    expect(facts('proxy', '--', '--address=0.0.0.0').listen).toBe('loopback');
  });

  it('fails closed on values the lab cannot know', () => {
    const address: Arg = { text: '--address=$(POD_IP)', known: false, knownPrefix: 10 };
    const outcome = kubectlProxy([literal('proxy'), address]);
    expect(outcome).toMatchObject({ status: 'runs', facts: { listen: 'network', address: '$(POD_IP)' } });
    const disable: Arg = { text: '--disable-filter=$(OFF)', known: false, knownPrefix: 17 };
    expect(kubectlProxy([literal('proxy'), disable])).toMatchObject({ facts: { filterDisabled: true } });
    expect(kubectlProxy([literal('proxy'), { text: '$(EXTRA)', known: false, knownPrefix: 0 }])).toEqual({ status: 'unclear', problem: 'cannot tell which flags $(EXTRA) holds' });
  });

  it('reports arguments kubectl would refuse', () => {
    expect(kubectlProxy(words('proxy', '--adress=0.0.0.0'))).toEqual({ status: 'unclear', problem: 'unknown flag: --adress' });
    expect(kubectlProxy(words('proxy', '--disable-filter=yes'))).toMatchObject({ status: 'unclear' });
    expect(kubectlProxy(words('proxy', '--address'))).toEqual({ status: 'unclear', problem: 'flag needs an argument: --address' });
    // cobra looks for the subcommand before parsing proxy's own flags: they are unknown there.
    expect(kubectlProxy(words('--disable-filter', 'proxy'))).toEqual({ status: 'unclear', problem: 'unknown flag: --disable-filter' });
  });

  it('leaves other subcommands and --help alone', () => {
    expect(kubectlProxy(words('port-forward', 'svc/dashboard', '--address=0.0.0.0', '8080:80'))).toEqual({ status: 'other', command: 'port-forward' });
    expect(kubectlProxy(words('-n', 'ops', 'get', 'pods'))).toEqual({ status: 'other', command: 'get' });
    expect(kubectlProxy(words('proxy', '--help', '--address=0.0.0.0'))).toEqual({ status: 'other', command: 'proxy --help' });
    expect(kubectlProxy(words())).toEqual({ status: 'other', command: '(none)' });
  });
});

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.10.20.30', 'localhost', 'LOCALHOST', '[::1]'])('%s is loopback', (address) => expect(isLoopback(address)).toBe(true));
  it.each(['', '0.0.0.0', '::', '[::]', '::1', '127.0.0.256', '127.1', '10.0.0.1', 'jump-box', '$(POD_IP)'])('%j is not', (address) => expect(isLoopback(address)).toBe(false));
});
