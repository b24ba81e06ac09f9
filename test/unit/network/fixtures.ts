import {
  networkFromShow,
  networksFromList,
  routerFromShow,
  subnetsFromList,
} from '../../../src/tasks/controller/cli-json.js';
import type { NeutronState } from '../../../src/tasks/controller/neutron-state.js';
import { captureSections } from '../../support/capture-sections.js';

const DIR = new URL('../../fixtures/openstack/', import.meta.url);

/** The sections of a capture here: '### ' names the command, the lines up to the next '### ' are its output. */
export const sections = (file: string): Map<string, string> => captureSections(new URL(file, DIR));

/** The output of the first (usually only) command of a capture. */
export function output(file: string): string {
  const [first] = sections(file).values();
  if (first === undefined) throw new Error(`${file} has no "### " section`);
  return first;
}

export const json = (file: string): unknown => JSON.parse(output(file));

/** A captured error: what the command printed and its exit status. */
export function failure(file: string): { output: string; exitCode: number } {
  const [command, exit] = [...sections(file).entries()];
  return { output: command?.[1] ?? '', exitCode: Number(exit?.[1]) };
}

/** Neutron after `/lab network setup`, from the real CLI captures: ext1/subext1, int1/subint1, router1. */
export function runbookState(): NeutronState {
  const ext1 = networkFromShow(json('network-show-ext1.json.txt'));
  return {
    networks: networksFromList(json('network-list-long.json.txt')).map((n) => (n.id === ext1.id ? ext1 : n)),
    subnets: subnetsFromList(json('subnet-list-long.json.txt')),
    routers: [routerFromShow(json('router-show.json.txt'))],
  };
}
