export { deployOpenstackTask } from './deploy-task.js';
