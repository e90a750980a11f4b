// ESLint flat config for `npm run lint` (which also runs `prettier --check`: layout is Prettier's alone).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Generated, synthesized or installed: not ours to lint (all .gitignore'd).
    ignores: ["node_modules/", ".gen/", "cdktf.out/", "dist/", ".sim/", "coverage/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // tsconfig's noImplicitAny already makes every `any` written out, so each one is a visible choice;
      // they type untyped JSON (synthesized stacks, gRPC messages) and zod generics.
      "@typescript-eslint/no-explicit-any": "off",
      // CommonJS (tsconfig "module": "CommonJS"): require() loads computed paths (config files, generated
      // bindings, synthesized JSON) and lazy modules on purpose; `import` cannot say either.
      "@typescript-eslint/no-require-imports": "off",
      // A leading underscore marks an unused parameter on purpose, as tsconfig's noUnusedParameters takes it.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["**/*.ts"],
    languageOptions: {
      // Type information from tsconfig.json, for the rules below.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware where it pays: a promise nobody awaits loses its rejection (the sim CLIs, the plugin
      // server and the lab are asynchronous), and so does one handed to a caller that ignores the result.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // Only Errors are thrown and rejected with: the CLIs print err.message, and a stack needs an Error.
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/prefer-promise-reject-errors": "error",
    },
  },
  {
    // Control and invisible characters matched on purpose: ANSI escapes stripped from Terraform's output,
    // characters a comment must not carry (lone surrogates and variation selectors included).
    files: ["preview/diagnostics.ts", "preview/markdown.ts"],
    rules: { "no-control-regex": "off", "no-misleading-character-class": "off" },
  },
  {
    // The literal is the precision loss under test (a number sent as a string of 20 digits).
    files: ["__tests__/sim/cty.test.ts"],
    rules: { "no-loss-of-precision": "off" },
  },
  {
    // Plain CommonJS run by Node, jest or actions/github-script: no type information, no TypeScript syntax.
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
  },
);
