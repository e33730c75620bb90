/**
 * Unit tests sit beside the code (*.spec.ts); tests that need a real server
 * are *.integration.spec.ts and skip with a reason when it is missing (never under CI=true).
 */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '.*\\.spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@parcours/(domain|event-store|projections|messaging|auth|config|runtime|application|background|notifications)$':
      '<rootDir>/libs/$1/src',
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 60000,
};
