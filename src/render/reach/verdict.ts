import { endpointName, type ConnectionQuery, type ConnectionVerdict, type Endpoint } from '../../engines/network-policy/index.js';
import { mark, type Paint } from './paint.js';

/** The verdict line, then one line per direction naming the isolating policies and the allowing rule. */
export function verdictText(verdict: ConnectionVerdict, from: Endpoint, to: Endpoint, query: Required<ConnectionQuery>, paint: Paint): string {
  const outcome = verdict.allowed ? paint.green('ALLOWED') : paint.red('DENIED');
  return [
    `${mark(paint, verdict.allowed)} ${paint.bold(outcome)}  ${endpointName(from)} → ${endpointName(to)}  ${query.protocol} ${query.port}`,
    `  ${mark(paint, verdict.egress.allowed)} egress   ${verdict.egress.summary}`,
    `  ${mark(paint, verdict.ingress.allowed)} ingress  ${verdict.ingress.summary}`,
  ].join('\n');
}
