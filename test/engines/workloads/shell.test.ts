import { describe, expect, it } from 'vitest';
import { literal, unknown } from '../../../src/engines/workloads/arg.js';
import { simpleCommands } from '../../../src/engines/workloads/shell.js';

const env = (values: Record<string, string | null>) => (name: string) => {
  if (!(name in values)) return undefined;
  const value = values[name];
  return value === null ? unknown(`$(${name})`) : literal(value!);
};
const texts = (script: string, values: Record<string, string | null> = {}) => simpleCommands(script, env(values)).map((command) => command.map((arg) => arg.text));

describe('simpleCommands: the commands a sh -c string runs, word by word', () => {
  it('removes quotes and backslashes as sh does', () => {
    expect(texts(`kubectl proxy --accept-hosts='.*' "--address"=0.0.0.0 a\\ b`)).toEqual([['kubectl', 'proxy', '--accept-hosts=.*', '--address=0.0.0.0', 'a b']]);
  });

  it('splits commands on ; & && || | and newlines, and drops comments', () => {
    expect(texts('set -e; echo hi && kubectl proxy & wait\nfalse || true | cat # kubectl proxy --address=0.0.0.0')).toEqual([
      ['set', '-e'],
      ['echo', 'hi'],
      ['kubectl', 'proxy'],
      ['wait'],
      ['false'],
      ['true'],
      ['cat'],
    ]);
  });

  it('drops redirections with their targets', () => {
    expect(texts('exec kubectl proxy 2>&1 >/tmp/log </dev/null --port=1 &>>x')).toEqual([['exec', 'kubectl', 'proxy', '--port=1']]);
  });

  it('skips here-document bodies: they are data', () => {
    const script = 'cat > /tmp/x <<EOF\nkubectl proxy --address=0.0.0.0\nEOF\ncat <<-"END"\n\tkubectl proxy\n\tEND\nkubectl proxy';
    expect(texts(script)).toEqual([['cat'], ['cat'], ['kubectl', 'proxy']]);
  });

  it('expands variables from the container env and from earlier assignments, in text order', () => {
    expect(texts('K=kubectl; export A=0.0.0.0; $K proxy --address=$A --port=${PORT:-8001}', {})).toEqual([['kubectl', 'proxy', '--address=0.0.0.0', '--port=8001']]);
    expect(texts('kubectl proxy --address="$ADDR"', { ADDR: '127.0.0.1' })).toEqual([['kubectl', 'proxy', '--address=127.0.0.1']]);
  });

  it('expands an unset variable to nothing, and drops an unquoted word that becomes empty', () => {
    expect(texts('kubectl proxy --address=$UNSET')).toEqual([['kubectl', 'proxy', '--address=']]);
    expect(texts('kubectl proxy --address $UNSET --port 1')).toEqual([['kubectl', 'proxy', '--address', '--port', '1']]);
    expect(texts('kubectl proxy --address "$UNSET"')).toEqual([['kubectl', 'proxy', '--address', '']]);
  });

  it('splits unquoted values on blanks, keeps quoted ones whole', () => {
    expect(texts('kubectl $FLAGS "$FLAGS"', { FLAGS: 'proxy --port=1' })).toEqual([['kubectl', 'proxy', '--port=1', 'proxy --port=1']]);
  });

  it('marks what only the running shell knows as unknown, keeping the certain prefix', () => {
    const [command] = simpleCommands('kubectl proxy --address=$(hostname -i) --x=`id` --y=$POD_IP --z=$1', env({ POD_IP: null }));
    expect(command!.slice(2)).toEqual([
      { text: '--address=$(hostname -i)', known: false, knownPrefix: 10 },
      { text: '--x=`id`', known: false, knownPrefix: 4 },
      { text: '--y=$POD_IP', known: false, knownPrefix: 4 },
      { text: '--z=$1', known: false, knownPrefix: 4 },
    ]);
  });

  it('reads the dashboard script of the kubectl-proxy scenario without finding a command in its HTML', () => {
    const script = [
      'render() {',
      '  token=$(cat /run/lab/token 2>/dev/null)',
      '  cat > /tmp/www/index.html.new <<EOF',
      '<p>Deploys today: 14, failed: 0. (kubectl proxy --address=0.0.0.0)</p>',
      'EOF',
      '  mv /tmp/www/index.html.new /tmp/www/index.html',
      '}',
      'render',
      '(while sleep 10; do render; done) &',
      'exec httpd -f -v -p 8080 -h /tmp/www',
    ].join('\n');
    const programs = texts(script).map((command) => command[0]);
    expect(programs).toEqual(['render', '{', 'cat', 'mv', '}', 'render', 'while', 'do', 'done', 'exec']);
  });
});
