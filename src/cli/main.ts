// PLACEHOLDER until the CLI lands.
console.log('kites');
